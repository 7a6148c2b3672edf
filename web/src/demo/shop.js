// The demo shop's cart, kept for the visit; the shop tells Tiski about it through its API, and
// the checkout reports the order as a conversion: tiski('track', 'order', {id, value, currency}).
// The page snippet (in each page, before this file) queues tiski() calls until the widget loads.
(function(){
  var cart=JSON.parse(sessionStorage.getItem('demo-cart')||'{"value":0,"items":0}');
  function show(){document.querySelector('.cart').textContent='Ostoskori ('+cart.items+')';
    document.querySelector('.checkout').disabled=!cart.items;}
  function save(){sessionStorage.setItem('demo-cart',JSON.stringify(cart));show();
    tiski('set',{cart:{value:cart.value,currency:'EUR',items:cart.items}});}
  function add(price){cart.value=Math.round((cart.value+price)*100)/100;cart.items+=1;save();}
  // A made-up order: its number, the cart's value, then an empty cart and a thank-you.
  function checkout(){
    if(!cart.items)return;
    var id='DEMO-'+Date.now().toString(36).toUpperCase();
    tiski('track','order',{id:id,value:cart.value,currency:'EUR'});
    cart={value:0,items:0};save();
    var p=document.getElementById('order-confirmation');
    p.textContent='Kiitos tilauksesta! Tilausnumero '+id;p.hidden=false;
  }
  document.addEventListener('click',function(e){var b=e.target.closest('[data-price]');if(b)add(parseFloat(b.dataset.price));
    if(e.target.closest('.checkout'))checkout();});
  show();
  if(cart.items)tiski('set',{cart:{value:cart.value,currency:'EUR',items:cart.items}});
})();
