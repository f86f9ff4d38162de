// The page's styles and script (html_page.hpp): plain DOM and SVG, no library, no network. Every
// text from the data goes in through textContent, never as markup.
#include "report/html_page.hpp"

namespace scapredict::report {

const char* html_style() {
  return R"CSS(
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:18px 0 6px}
.lines{background:#fff8e1;border-left:4px solid #f0a500;padding:6px 10px;margin:8px 0}
.lines div{margin:2px 0}.warn{color:#a40000}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f2f2f2;cursor:pointer;user-select:none}td:first-child,th:first-child{text-align:left}
tr.sel td{background:#e3f0ff}tbody tr{cursor:pointer}
svg{display:block;margin:4px 0;background:#fff}
.axis{stroke:#888;stroke-width:1}.grid{stroke:#eee;stroke-width:1}
.risk{fill:none;stroke:#1f5fbf;stroke-width:1.2}.alarm{fill:#f6c7c7}
.onset{stroke:#c00;stroke-width:2}.held{fill:#333;cursor:pointer}
.ecg{fill:none;stroke:#111;stroke-width:0.8}.qrs{stroke:#d33;stroke-width:1}
.spec{fill:none;stroke:#2a7f2a;stroke-width:1}.cursor{stroke:#f80;stroke-width:1.5}
.note{color:#555;font-size:12px}.swatch{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px}text{font-size:11px;fill:#444}
)CSS";
}

const char* html_script() {
  return R"JS(
(function(){
'use strict';
const D=JSON.parse(document.getElementById('scapredict-data').textContent);
const NS='http://www.w3.org/2000/svg';
const app=document.getElementById('app');
function el(tag,attrs,text){const e=document.createElement(tag);for(const k in attrs||{})e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=String(text);return e;}
function sv(tag,attrs,text){const e=document.createElementNS(NS,tag);for(const k in attrs||{})e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=String(text);return e;}
function fmt(v,d){return v===null||v===undefined||!isFinite(v)?'':Number(v).toFixed(d);}
function hms(s){s=Math.round(s);const h=Math.floor(s/3600),m=Math.floor(s%3600/60),x=s%60;return h+':'+String(m).padStart(2,'0')+':'+String(x).padStart(2,'0');}
function stats(r){let n=0,sum=0,max=null;for(const v of r.risk){if(v===null)continue;n++;sum+=v;if(max===null||v>max)max=v;}
  const first=r.alarm.length?r.start_s[r.alarm[0][0]]:null;
  return {status:r.error?'failed':(n?'scored':'nothing scored'),scored:n,minutes:r.risk.length,max:max,mean:n?sum/n:null,alarms:r.alarm.length,first:first};}
function lines(parent,list,cls){if(!list||!list.length)return;const box=el('div',{class:'lines'});for(const l of list)box.appendChild(el('div',cls?{class:cls}:{},l));parent.appendChild(box);}
app.appendChild(el('h1',{},D.title));
lines(app,D.lines);
app.appendChild(el('div',{class:'note'},D.version+'; alarm: on after '+D.alarm.consecutive_minutes+' consecutive scored minutes at or above '+D.alarm.on+', off below '+D.alarm.off+'. '+D.held_rule+'.'));
// ---- overview
const cols=[['record',r=>r.name],['status',r=>r.st.status],['minutes scored',r=>r.st.scored],['of',r=>r.st.minutes],['max risk',r=>r.st.max],['mean risk',r=>r.st.mean],['alarms',r=>r.st.alarms],['first alarm',r=>r.st.first]];
const recs=D.records.map((r,i)=>Object.assign({},r,{index:i,st:stats(r)}));
app.appendChild(el('h2',{},'Records ('+recs.length+')'));
const table=el('table',{id:'overview'});const thead=el('thead');const htr=el('tr');
const tbody=el('tbody');let sortCol=-1,sortDir=1;
cols.forEach((c,ci)=>{const th=el('th',{},c[0]);th.addEventListener('click',()=>{sortDir=sortCol===ci?-sortDir:1;sortCol=ci;fill();});htr.appendChild(th);});
thead.appendChild(htr);table.appendChild(thead);table.appendChild(tbody);app.appendChild(table);
function cell(c,r){const v=c[1](r);if(c[0]==='first alarm')return v===null?'':hms(v);if(typeof v==='number'&&!Number.isInteger(v))return fmt(v,3);return v===null?'':v;}
let current=-1;
function fill(){const rows=recs.slice();if(sortCol>=0){const f=cols[sortCol][1];rows.sort((a,b)=>{const x=f(a),y=f(b);if(x===y)return 0;if(x===null)return 1;if(y===null)return -1;return (x<y?-1:1)*sortDir;});}
  tbody.textContent='';for(const r of rows){const tr=el('tr',{'data-index':r.index});if(r.index===current)tr.className='sel';for(const c of cols)tr.appendChild(el('td',{},cell(c,r)));tr.addEventListener('click',()=>show(r.index));tbody.appendChild(tr);}
  document.body.dataset.rows=rows.length;}
fill();
const detail=el('div',{id:'detail'});app.appendChild(detail);
// ---- one record
const W=1000,H=220,L=40,R=10,T=10,B=40;
function show(i){current=i;fill();const r=recs[i];detail.textContent='';
  detail.appendChild(el('h2',{},r.name+' ('+r.st.status+')'));detail.appendChild(el('div',{class:'note'},r.source));
  if(r.error){lines(detail,[r.error],'warn');return;}
  lines(detail,r.lines);lines(detail,r.warnings,'warn');
  const n=r.start_s.length;if(!n)return;
  const t0=r.start_s[0],t1=r.start_s[n-1]+60,x=t=>L+(t-t0)/(t1-t0)*(W-L-R),y=v=>T+(1-v)*(H-T-B);
  const g=sv('svg',{width:W,height:H,id:'timeline',viewBox:'0 0 '+W+' '+H});
  for(const [a,b] of r.alarm)g.appendChild(sv('rect',{class:'alarm',x:x(r.start_s[a]),y:T,width:Math.max(1,x(r.start_s[b]+60)-x(r.start_s[a])),height:H-T-B}));
  for(let v=0;v<=1.001;v+=0.25){g.appendChild(sv('line',{class:'grid',x1:L,x2:W-R,y1:y(v),y2:y(v)}));g.appendChild(sv('text',{x:4,y:y(v)+4},v.toFixed(2)));}
  const hours=(t1-t0)/3600,step=hours>12?3:hours>3?1:hours>1?0.25:1/12;
  for(let h=0;h<=hours+1e-9;h+=step){const xx=Math.min(x(t0+h*3600),W-R-22);g.appendChild(sv('text',{x:xx-8,y:H-B+14},hms(t0+h*3600).replace(/:00$/,'')));}
  let d='',pts=0,pen=false;for(let k=0;k<n;k++){const v=r.risk[k];if(v===null){pen=false;continue;}d+=(pen?'L':'M')+x(r.start_s[k]+30).toFixed(1)+' '+y(v).toFixed(1);pen=true;pts++;}
  g.appendChild(sv('path',{class:'risk',d:d,'data-points':pts}));
  // quality band: minutes not plain "ok"
  const palette=['#9e9e9e','#ff9800','#795548','#9c27b0','#009688','#607d8b','#e91e63','#3f51b5'];const used={};
  for(let k=0;k<n;k++){const q=r.quality_names[r.quality[k]];if(q==='ok')continue;const c=palette[r.quality[k]%palette.length];used[q]=c;
    g.appendChild(sv('rect',{x:x(r.start_s[k]),y:H-B+20,width:Math.max(1,x(r.start_s[k]+60)-x(r.start_s[k])),height:8,fill:c},q));}
  if(r.onset_s!==null&&r.onset_s>=t0&&r.onset_s<=t1)g.appendChild(sv('line',{class:'onset',x1:x(r.onset_s),x2:x(r.onset_s),y1:T,y2:H-B+28}));
  const cursor=sv('line',{class:'cursor',x1:-10,x2:-10,y1:T,y2:H-B});g.appendChild(cursor);
  r.held.forEach((h,hi)=>{const m=sv('path',{class:'held',d:'M'+(x(r.start_s[h.row]+30)-4)+' '+(T-2)+'l8 0l-4 7z','data-held':hi});m.appendChild(sv('title',{},h.why));g.appendChild(m);});
  detail.appendChild(g);
  const legend=el('div',{class:'note'},'blue: risk per scored minute; red band: alarm on; red line: VF onset; triangles: minutes with ECG; band below, minutes not ok: '+(Object.keys(used).length?'':'none'));
  for(const q of Object.keys(used)){const sw=el('span',{class:'swatch'});sw.style.background=used[q];legend.appendChild(sw);legend.appendChild(document.createTextNode(q+' '));}
  detail.appendChild(legend);
  const pick=el('select',{id:'held'});pick.appendChild(el('option',{value:''},r.held.length?'ECG minutes held: '+r.held.length:(r.held_note||'no ECG held')));
  r.held.forEach((h,hi)=>pick.appendChild(el('option',{value:hi},hms(r.start_s[h.row])+' '+h.why+(r.risk[h.row]===null?'':' (risk '+fmt(r.risk[h.row],3)+')'))));
  detail.appendChild(pick);const info=el('div',{id:'minute-info',class:'note'});detail.appendChild(info);
  const strip=el('div',{id:'strip'});detail.appendChild(strip);
  function minute(k){cursor.setAttribute('x1',x(r.start_s[k]+30));cursor.setAttribute('x2',x(r.start_s[k]+30));
    info.textContent='minute '+k+' at '+hms(r.start_s[k])+': '+(r.risk[k]===null?'not scored':'risk '+fmt(r.risk[k],4))+'; quality '+r.quality_names[r.quality[k]];
    strip.textContent='';const hi=r.held.findIndex(h=>h.row===k);if(hi<0){strip.appendChild(el('div',{class:'note'},'no ECG held for this minute (the held ones are marked by triangles)'));return;}
    ecg(r,r.held[hi],strip);pick.value=String(hi);}
  g.addEventListener('click',ev=>{const b=g.getBoundingClientRect();const t=t0+(ev.clientX-b.left-L)/(W-L-R)*(t1-t0);let best=-1,bd=Infinity;
    const held=r.held.map(h=>h.row);const pool=held.length?held:[...Array(n).keys()];
    for(const k of pool){const dd=Math.abs(r.start_s[k]+30-t);if(dd<bd){bd=dd;best=k;}}
    if(best>=0)minute(best);});
  pick.addEventListener('change',()=>{if(pick.value!=='')minute(r.held[Number(pick.value)].row);});
  show.minute=minute;
}
function ecg(r,h,parent){const n=h.uv.length,fs=128,EW=1000,EH=200;let lo=Infinity,hi=-Infinity;for(const v of h.uv){if(v===null)continue;lo=Math.min(lo,v);hi=Math.max(hi,v);}
  if(!isFinite(lo)){lo=-1000;hi=1000;}if(hi-lo<200){const c=(hi+lo)/2;lo=c-100;hi=c+100;}
  const x=i=>L+i/(n-1)*(EW-L-R),y=v=>T+(hi-v)/(hi-lo)*(EH-T-30);
  const g=sv('svg',{width:EW,height:EH,id:'ecg',viewBox:'0 0 '+EW+' '+EH});
  for(let s=0;s<=60;s+=5){g.appendChild(sv('line',{class:'grid',x1:x(s*fs),x2:x(s*fs),y1:T,y2:EH-30}));g.appendChild(sv('text',{x:x(s*fs)-6,y:EH-14},s+' s'));}
  g.appendChild(sv('text',{x:2,y:T+8},(hi/1000).toFixed(2)+' mV'));g.appendChild(sv('text',{x:2,y:EH-32},(lo/1000).toFixed(2)+' mV'));
  let d='',pen=false,pts=0;for(let i=0;i<n;i++){const v=h.uv[i];if(v===null){pen=false;continue;}d+=(pen?'L':'M')+x(i).toFixed(1)+' '+y(v).toFixed(1);pen=true;pts++;}
  g.appendChild(sv('path',{class:'ecg',d:d,'data-points':pts}));
  for(const q of h.qrs)g.appendChild(sv('line',{class:'qrs',x1:x(q),x2:x(q),y1:T,y2:T+10}));
  g.dataset.qrs=h.qrs.length;
  parent.appendChild(el('div',{class:'note'},'ECG, '+hms(r.start_s[h.row])+' ('+h.why+'): the scored channel at 128 Hz, mV against seconds; red ticks: '+h.qrs.length+' detected beats'));
  parent.appendChild(g);
  const sp=h.spectrum,SW=1000,SH=160;let mx=0;for(const v of sp)mx=Math.max(mx,v);const lg=v=>Math.log10(Math.max(v,mx*1e-4));
  const sx=k=>L+k/(sp.length-1)*(SW-L-R),sy=v=>T+(lg(mx)-lg(v))/4*(SH-T-30);
  const s=sv('svg',{width:SW,height:SH,id:'spectrum',viewBox:'0 0 '+SW+' '+SH});
  for(let f=0;f<=40;f+=5){const xx=L+f/40*(SW-L-R);s.appendChild(sv('line',{class:'grid',x1:xx,x2:xx,y1:T,y2:SH-30}));s.appendChild(sv('text',{x:xx-8,y:SH-14},f+' Hz'));}
  let sd='';sp.forEach((v,k)=>{sd+=(k?'L':'M')+sx(k).toFixed(1)+' '+sy(v).toFixed(1);});s.appendChild(sv('path',{class:'spec',d:sd}));
  parent.appendChild(el('div',{class:'note'},'magnitude spectrum of the minute, 0-40 Hz, log scale (4 decades)'));parent.appendChild(s);
}
if(recs.length)show(recs.findIndex(r=>!r.error)>=0?recs.findIndex(r=>!r.error):0);
// A self-check for tests (#selftest): open the first record with held ECG, show its first held
// minute, and write what is drawn into the body's data attributes.
if(location.hash==='#selftest'){const i=recs.findIndex(r=>r.held&&r.held.length);
  if(i>=0){show(i);show.minute(recs[i].held[0].row);}
  const tl=document.querySelector('#timeline path.risk'),e=document.querySelector('#ecg path.ecg');
  document.body.dataset.timelinePoints=tl?tl.getAttribute('data-points'):'0';
  document.body.dataset.ecgPoints=e?e.getAttribute('data-points'):'0';
  document.body.dataset.qrsMarks=document.querySelectorAll('#ecg line.qrs').length;
  document.body.dataset.heldMinutes=i>=0?recs[i].held.length:0;
  document.body.dataset.selftest='done';}
})();
)JS";
}

}  // namespace scapredict::report
