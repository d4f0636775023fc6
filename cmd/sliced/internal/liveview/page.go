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
.err{color:#f96}.unk{color:#fd5}
#cands{display:flex;flex-wrap:wrap;gap:8px}
.cand{margin:0;text-align:center;font-size:80%}.cand img{width:84px;height:84px;margin:0;image-rendering:pixelated}
</style></head><body>
<h1>sliced</h1>
{{range .}}<figure style="display:inline-block"><img src="/stream.mjpg?source={{.}}" alt="{{.}}"><figcaption>{{.}}</figcaption></figure>
{{else}}<p>No frames yet: configure a source, or POST images to /v1/classify.</p>{{end}}
<h2>Candidates <small id="ncands"></small></h2>
<p>Frames answered unknown or with a low score, kept for enrolment:
<code>POST /v1/candidates/ID/enrol?class=NAME</code> with the token.</p>
<div id="cands"></div>
<h2>Recent results</h2>
<table><thead><tr><th>time</th><th>source</th><th>#</th><th>label</th><th>score</th><th>backend</th><th>latency</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
function label(r){return r.known||!r.label?r.label:'unknown'+(r.nearest?' (nearest '+r.nearest+')':'')}
async function poll(){
  try{
    const rows=await (await fetch('/v1/recent')).json();
    const tb=document.getElementById('rows');tb.textContent='';
    for(const r of rows){
      const tr=tb.insertRow();
      const cells=[new Date(r.time).toLocaleTimeString(),r.source+(r.region?'/'+r.region:''),r.seq+(r.file?' '+r.file:''),r.error?r.error:label(r),r.score.toFixed(2),r.backend||'',(r.latency_us/1000).toFixed(2)+' ms'];
      for(const c of cells){tr.insertCell().textContent=c}
      if(r.error)tr.className='err';else if(!r.known)tr.className='unk';
    }
  }catch(e){}
  setTimeout(poll,1000);
}
poll();
let shown='';
async function candidates(){
  try{
    const r=await (await fetch('/v1/candidates')).json();
    document.getElementById('ncands').textContent=r.candidates.length+' of '+r.keep;
    const ids=r.candidates.map(c=>c.id).join();
    if(ids!==shown){
      shown=ids;
      const d=document.getElementById('cands');d.textContent='';
      for(const c of r.candidates){
        const f=document.createElement('figure');f.className='cand';
        f.title=c.id+'  '+c.source+'  '+new Date(c.time).toLocaleString();
        const img=document.createElement('img');img.src=c.thumbnail;img.alt=c.id;
        const cap=document.createElement('figcaption');cap.textContent=label(c)+' '+c.score.toFixed(2);
        if(!c.known)cap.className='unk';
        f.append(img,cap);d.append(f);
      }
    }
  }catch(e){}
  setTimeout(candidates,3000);
}
candidates();
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
