module fearless/bench/gopeer

go 1.19
