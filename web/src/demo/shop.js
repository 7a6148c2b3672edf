// The demo shop's cart, kept for the visit; the shop tells Tiski about it through its API.
// The page snippet (in each page, before this file) queues tiski() calls until the widget loads.
(function(){
  var cart=JSON.parse(sessionStorage.getItem('demo-cart')||'{"value":0,"items":0}');
  function show(){document.querySelector('.cart').textContent='Ostoskori ('+cart.items+')';}
  function add(price){cart.value=Math.round((cart.value+price)*100)/100;cart.items+=1;
    sessionStorage.setItem('demo-cart',JSON.stringify(cart));show();
    tiski('set',{cart:{value:cart.value,currency:'EUR',items:cart.items}});}
  document.addEventListener('click',function(e){var b=e.target.closest('[data-price]');if(b)add(parseFloat(b.dataset.price));});
  show();
  if(cart.items)tiski('set',{cart:{value:cart.value,currency:'EUR',items:cart.items}});
})();
