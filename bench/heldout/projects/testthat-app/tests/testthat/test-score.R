source("../../R/score.R")

test_that("normalize maps to [0, 1]", {
  expect_equal(normalize(c(1, 2, 3)), c(0, 0.5, 1))
})

test_that("grade gives letters", {
  expect_equal(grade(95), "A")
  expect_equal(grade(80), "A")
})

test_that("grade rejects negative scores gracefully", {
  expect_equal(grade(-1), "C")
})
