package liveview

import (
	"encoding/json"
	"html/template"
	"net/http"
)

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>sliced live view</title>
<style>
body{font-family:sans-serif;background:#111;color:#ddd;margin:1em}
img{max-width:100%;border:1px solid #333;margin:0 1em 1em 0}
table{border-collapse:collapse;font-size:90%}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #333}
.err{color:#f96}
</style></head><body>
<h1>sliced</h1>
{{range .}}<figure style="display:inline-block"><img src="/stream.mjpg?source={{.}}" alt="{{.}}"><figcaption>{{.}}</figcaption></figure>
{{else}}<p>No frames yet: configure a source, or POST images to /v1/classify.</p>{{end}}
<h2>Recent results</h2>
<table><thead><tr><th>time</th><th>source</th><th>#</th><th>label</th><th>score</th><th>backend</th><th>latency</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
async function poll(){
  try{
    const rows=await (await fetch('/v1/recent')).json();
    const tb=document.getElementById('rows');tb.textContent='';
    for(const r of rows){
      const tr=tb.insertRow();
      const cells=[new Date(r.time).toLocaleTimeString(),r.source,r.seq+(r.file?' '+r.file:''),r.error?r.error:r.class,r.score.toFixed(2),r.backend,r.latency_ms.toFixed(2)+' ms'];
      for(const c of cells){tr.insertCell().textContent=c}
      if(r.error)tr.className='err';
    }
  }catch(e){}
  setTimeout(poll,1000);
}
poll();
</script></body></html>
`))

func (h *Hub) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	pageTmpl.Execute(w, h.Sources())
}

func (h *Hub) recent(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	rows := h.Recent()
	if rows == nil {
		rows = []Row{}
	}
	json.NewEncoder(w).Encode(rows)
}
