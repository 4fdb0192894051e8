import std/[tables, strutils]

type
  Item = object
    name: string
    qty: int
    price: float

proc total(items: seq[Item]): float =
  for it in items:
    result += it.qty * it.price

proc parseLine(line: string): Item =
  let parts = line.split(',')
  Item(name: parts[0], qty: parseInt(parts[1]), price: parseFloat(parts[2]))

when isMainModule:
  var stock = initTable[string, Item]()
  for line in ["apple,3,0.5", "pear,2,0.75"]:
    let item = parseLine(line)
    stock[item.name] = item
  echo total(toSeq(stock.values))
