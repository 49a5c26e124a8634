package corpus

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// CSVHeader is the header of the customer lists that WriteCSV writes.
const CSVHeader = "客户编号,姓名,手机,身份证号,银行卡号,车牌,邮箱,地址,备注\n"

// WriteCSV writes a dense customer list of rows rows, as leaked lists look:
// every row holds a name, a mobile number, an identity number, a card, a
// plate, an e-mail address, an address and a free-text note with more
// personal data and look-alikes.
func WriteCSV(w io.Writer, rows int, seed uint64) error {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x5DEECE66D))}
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString(CSVHeader); err != nil {
		return err
	}
	for k := range rows {
		var note string
		switch g.n(4) {
		case 0:
			note = "客户" + g.name() + "先生要求回电" + g.mobile()
		case 1:
			note = "订单号" + g.orderNumber() + "，已发货"
		case 2:
			note = "\"备用电话 " + g.landline() + ", 下单时间 " + g.timestamp() + "\""
		default:
			note = g.pick(ordinaryWords)
		}
		if _, err := fmt.Fprintf(bw, "C%08d,%s,%s,%s,%s,%s,%s,%s,%s\n", k+1, g.name(), g.mobile(), g.idCard(), g.card(), g.plate(), g.email(), g.address(), note); err != nil {
			return err
		}
	}
	return bw.Flush()
}
