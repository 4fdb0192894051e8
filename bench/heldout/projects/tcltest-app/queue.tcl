proc queue_pop {varName} {
    upvar 1 $varName q
    set head [lindex $q 0]
    set q [lrange $q 1 end]
    return $head
}
proc queue_peek {q} {
    return [lindex $q 1]
}
