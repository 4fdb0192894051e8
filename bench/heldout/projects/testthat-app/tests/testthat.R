library(testthat)
test_dir("testthat", reporter = "summary")
