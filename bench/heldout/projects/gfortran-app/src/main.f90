program main
  use stats
  implicit none
  real :: readings(5) = [1.0, 2.5, 3.0, 4.5, 6.0]
  integer :: i
  real :: total
  total = 0.0
  do i = 1, 6
    total = total + readings(i)
  end do
  print *, "mean", mean(readings), "total", total
end program main
