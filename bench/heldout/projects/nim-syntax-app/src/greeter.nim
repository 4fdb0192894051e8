import std/strformat

proc greet(name: string, times = 1): string =
  for i in 1..times:
    result.add(&"Hello, {name}!\n")

proc main() =
  let names = @["Ada", "Grace"
  for n in names:
    stdout.write greet(n, 2)

main()
