module stats
  implicit none
contains
  function mean(xs) result(m)
    real, intent(in) :: xs(:)
    real :: m
    m = sum(xs) / size(xs)
  end function mean

  function spread(xs) result(s)
    real, intent(in) :: xs(:)
    real :: s
    s = maxval(xs) - minval(xs)
    count = size(xs)
  end function spread
end module stats
