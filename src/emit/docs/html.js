
(function(){
"use strict";
var input=document.getElementById("search"),count=document.getElementById("count");
var items=[].slice.call(document.querySelectorAll("#event-list li.ev,#fragment-list li.fr"));
var groups=[].slice.call(document.querySelectorAll("#event-list li.group"));
var sections=[].slice.call(document.querySelectorAll("main section.item"));
var intros=[].slice.call(document.querySelectorAll("main section.intro"));
var none=document.getElementById("no-results");
function all(text,terms){for(var i=0;i<terms.length;i++){if(text.indexOf(terms[i])<0)return false}return true}
function any(text,terms){for(var i=0;i<terms.length;i++){if(text.indexOf(terms[i])>=0)return true}return false}
function apply(){
var terms=input.value.toLowerCase().split(/\s+/).filter(Boolean),shown=0,total=0,visible=0;
items.forEach(function(li){var ok=all(li.getAttribute("data-search"),terms);li.hidden=!ok;if(li.classList.contains("ev")){total++;if(ok)shown++}});
groups.forEach(function(g){g.hidden=!g.querySelector("li.ev:not([hidden])")});
intros.forEach(function(s){s.hidden=terms.length>0});
sections.forEach(function(s){
var ok=all(s.getAttribute("data-search"),terms);s.hidden=!ok;if(ok)visible++;
var rest=terms.filter(function(t){return s.getAttribute("data-head").indexOf(t)<0});
[].slice.call(s.querySelectorAll("tr[data-search]")).forEach(function(r){
var hit=rest.length>0&&any(r.getAttribute("data-search"),rest);
r.classList.toggle("hit",hit);r.hidden=rest.length>0&&!hit});
[].slice.call(s.querySelectorAll(".table-wrap")).forEach(function(w){
var empty=!w.querySelector("tr[data-search]:not([hidden])");w.hidden=empty;
var h=w.previousElementSibling;if(h&&h.tagName==="H4")h.hidden=empty});
});
none.hidden=visible>0;
count.textContent=terms.length?shown+" of "+total+" events":total+" events";
}
["input","change","search"].forEach(function(t){input.addEventListener(t,apply)});
document.addEventListener("keydown",function(e){if(e.key==="/"&&document.activeElement!==input){e.preventDefault();input.focus()}});
window.addEventListener("hashchange",function(){var t=document.getElementById(decodeURIComponent(location.hash.slice(1)));
if(t&&t.closest("[hidden]")){input.value="";apply();t.scrollIntoView()}});
var box=document.getElementById("navbox");if(window.matchMedia&&window.matchMedia("(max-width:760px)").matches)box.open=false;
var svg=document.querySelector("svg.evg");
if(svg){svg.addEventListener("mouseover",function(e){var a=e.target.closest("[data-node]");if(!a)return;var k=a.getAttribute("data-node");
[].slice.call(svg.querySelectorAll("path[data-from]")).forEach(function(p){p.classList.toggle("evg-on",p.getAttribute("data-from")===k||p.getAttribute("data-to")===k)})});
svg.addEventListener("mouseleave",function(){[].slice.call(svg.querySelectorAll(".evg-on")).forEach(function(p){p.classList.remove("evg-on")})})}
if(input.value)apply();
})();
