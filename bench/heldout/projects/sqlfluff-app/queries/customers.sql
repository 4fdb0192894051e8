select c.id, c.name, count(o.id) as orders
from customers c
left join orders o on o.customer_id = c.id
group by c.id, c.name
