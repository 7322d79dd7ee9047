module github.com/auterity/relaycore

go 1.22
