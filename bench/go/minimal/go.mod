module example.com/bench/minimal

go 1.18
