apply = (total, code) ->
  rates =
    SPRING: 0.1
    VIP: 0.25
  rate = rates[code] ? 0
  if rate > 0
    total * (1 - rate
  else
    total

module.exports = {apply}
