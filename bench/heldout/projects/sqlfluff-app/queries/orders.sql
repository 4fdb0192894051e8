SELECT id, customer_id,total
from orders
WHERE status = 'paid'
    AND total > 100
