normalize <- function(x) {
  (x - min(x)) / (max(x) - min(x))
}

grade <- function(score) {
  if (score < 0 || score > 100) stop("score out of range: ", score)
  if (score >= 90) "A" else if (score >= 75) "B" else "C"
}
