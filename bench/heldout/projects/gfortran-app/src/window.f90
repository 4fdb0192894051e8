program window
  implicit none
  real :: readings(5) = [1.0, 2.5, 3.0, 4.5, 6.0]
  integer :: i, n
  real :: total
  n = 6
  total = 0.0
  do i = 1, n
    total = total + readings(i)
  end do
  print *, "total", total
end program window
