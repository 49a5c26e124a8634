module ringfence/bench/segnames

go 1.26.8

require (
	github.com/go-ego/gse v0.80.3
	github.com/yanyiwu/gojieba v1.4.6
	ringfence v0.0.0
)

require (
	github.com/nyaruka/phonenumbers v1.8.1 // indirect
	github.com/vcaesar/cedar v0.20.2 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace ringfence => ../..
