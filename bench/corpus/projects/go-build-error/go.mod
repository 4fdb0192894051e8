module example.com/statusd

go 1.19
