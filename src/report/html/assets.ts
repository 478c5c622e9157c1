// Inline CSS and JS of the HTML report: one file, nothing loaded from anywhere (the CSP forbids it).

export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

export const CSS = `
:root{--fg:#1d2330;--muted:#5d6778;--line:#e3e7ee;--bg:#f5f7fa;--card:#fff;--crit:#b3261e;--high:#d9480f;--med:#b7791f;--low:#2b6cb0;--info:#718096}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:0 24px 48px}
header.banner{padding:28px 24px;color:#fff}
header.banner .inner{max-width:1200px;margin:0 auto;padding:0 24px}
.banner h1{margin:0;font-size:30px;letter-spacing:.06em}
.banner p{margin:4px 0 0;font-size:16px;opacity:.95}
.v-compromised{background:linear-gradient(90deg,#8e1b15,#c0392b)}
.v-attempted{background:linear-gradient(90deg,#a15c00,#dd8a0e)}
.v-exposed{background:linear-gradient(90deg,#5b2a86,#8e44ad)}
.v-clean{background:linear-gradient(90deg,#1e6b3a,#2f9e5b)}
.v-suspicious{background:linear-gradient(90deg,#8a6d00,#c9a000)}
.v-no-evidence{background:linear-gradient(90deg,#3d4650,#66717d)}
.meta{color:var(--muted);margin:12px 0 0;font-size:13px}
.incomplete{margin:12px 0 0;padding:8px 12px;border:2px solid #b42318;border-radius:6px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:18px 0;padding:16px 20px}
h2{font-size:16px;margin:0 0 10px;text-transform:uppercase;letter-spacing:.05em;color:#303a4b}
ul.reasons{margin:0;padding-left:20px}ul.reasons li{margin:3px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f6;font-weight:600;white-space:nowrap}
#findings th{cursor:pointer;user-select:none}
#findings th[data-dir=asc]::after{content:" ▲"}#findings th[data-dir=desc]::after{content:" ▼"}
td.num,th.num{text-align:right}
.mono,pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
pre{white-space:pre-wrap;word-break:break-all;background:#f3f4f8;border:1px solid var(--line);border-radius:4px;padding:8px;margin:6px 0;max-height:240px;overflow:auto}
.sev{display:inline-block;min-width:64px;text-align:center;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:700;color:#fff;text-transform:uppercase}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.out-success{color:var(--crit);font-weight:600}.out-attempt{color:var(--med)}.out-unknown{color:var(--muted)}
.warn{color:#8a5a00;background:#fff8e6;border-left:3px solid #e0a400;padding:6px 10px;margin:6px 0;border-radius:3px}
.bar{position:relative;height:14px;background:#eef1f6;border-radius:3px;min-width:200px}
.bar span{position:absolute;top:0;bottom:0;border-radius:3px;min-width:3px}
.controls{display:flex;gap:10px;align-items:center;margin-bottom:10px;flex-wrap:wrap}
.controls input,.controls select{font:inherit;padding:5px 8px;border:1px solid #c9d0db;border-radius:4px}
.controls input{flex:1;min-width:240px}
details summary{cursor:pointer}
.small{font-size:12px;color:var(--muted)}
ol.steps li{margin:4px 0}
footer{color:var(--muted);font-size:12px;margin-top:24px}
footer table{font-size:12px}
`

export const JS = `
(function(){
  var t=document.getElementById('findings');if(!t)return;
  var tb=t.tBodies[0],q=document.getElementById('q'),sv=document.getElementById('sev'),shown=document.getElementById('shown');
  function apply(){
    var s=q.value.toLowerCase(),min=+sv.value,n=0;
    for(var i=0;i<tb.rows.length;i++){var r=tb.rows[i];var ok=(+r.getAttribute('data-sev')>=min)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);r.hidden=!ok;if(ok)n++}
    shown.textContent=String(n);
  }
  q.addEventListener('input',apply);sv.addEventListener('change',apply);
  t.tHead.addEventListener('click',function(e){
    var th=e.target.closest('th');if(!th)return;
    var i=th.cellIndex,dir=th.getAttribute('data-dir')==='asc'?'desc':'asc',hs=t.tHead.rows[0].cells;
    for(var k=0;k<hs.length;k++)hs[k].removeAttribute('data-dir');
    th.setAttribute('data-dir',dir);
    var rows=Array.prototype.slice.call(tb.rows);
    function key(r){var c=r.cells[i];return c.getAttribute('data-v')||c.textContent}
    rows.sort(function(a,b){var c=key(a).localeCompare(key(b),undefined,{numeric:true});return dir==='asc'?c:-c});
    for(var j=0;j<rows.length;j++)tb.appendChild(rows[j]);
  });
  apply();
})();
`
