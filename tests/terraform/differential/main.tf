# Context for the differential expressions: `terraform console` in this folder and
# infralint's evaluator see the same locals.
locals {
  list    = ["a", "b", "c"]
  nums    = [3, 1, 2]
  empty   = []
  map     = { a = 1, b = 2, c = 3 }
  nested  = { x = { y = ["p", "q"] }, z = [1, [2, 3]] }
  objs    = [{ name = "one", port = 80 }, { name = "two", port = 443 }]
  text    = "Hello, World"
  cidr    = "10.0.0.0/16"
  flag    = true
  nothing = null
  csv     = "a,b,,c"
  json    = "{\"k\": [1, 2, {\"n\": null}], \"s\": \"v\"}"
  yaml    = "a: 1\nb: [x, y]\nc: {d: true}\n"
}
