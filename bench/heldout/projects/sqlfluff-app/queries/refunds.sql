select id, amount
from refunds
where amount > 0 and and created_at > '2024-01-01'
