package sip

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/netip"
	"runtime"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// Transport limits.
const (
	maxUDPMessage  = 65535
	maxTCPConns    = 1024             // connections served at once; more are closed at accept
	tcpIdleTimeout = 10 * time.Minute // a connection that sends nothing for this long is closed
	untrustedWait  = 5 * time.Second  // how long an untrusted connection has to send its request
	// maxUntrustedConns is how many connections from outside the trusted
	// networks are open at once (each for its 403); more are closed at
	// accept, so untrusted hosts cannot take the places of trusted ones.
	maxUntrustedConns = 64
	tcpWriteTimout    = 5 * time.Second
	maxTCPPending     = maxUDPMessage // bytes buffered for an incomplete message
)

// udpReaders is how many goroutines read each UDP socket: one per CPU, so
// parsing and screening run in parallel while the socket is read in turn.
func udpReaders() int { return max(1, runtime.GOMAXPROCS(0)) }

func (s *Server) serveUDP(c *net.UDPConn) {
	defer s.wg.Done()
	buf := make([]byte, maxUDPMessage)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("sip: udp read", "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if !s.trusted(from.Addr()) {
			// Dropped unread: no verdict, and nothing reflected to a
			// source that may be spoofed.
			s.stats.untrustedUDP.Add(1)
			continue
		}
		if s.limits != nil && !s.limits.packet(from.Addr()) {
			s.stats.dropped.Add(1)
			continue
		}
		w := s.getWork()
		if out, dst := s.handlePacket(w, buf[:n], source{from, "UDP"}); out != nil {
			if _, err := c.WriteToUDPAddrPort(out, dst); err != nil && !errors.Is(err, net.ErrClosed) {
				s.log.Warn("sip: udp write", "err", err)
			}
		}
		s.putWork(w)
	}
}

func (s *Server) serveTCP(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("sip: tcp accept", "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		from := source{transport: "TCP"}
		if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			ap := ta.AddrPort()
			from.addr = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
		trusted := s.trusted(from.addr.Addr())
		s.mu.Lock()
		switch {
		case s.closed:
		case len(s.conns) >= maxTCPConns:
			s.stats.overTotal.Add(1)
		case !trusted && s.untrusted >= s.maxUntrusted:
			s.stats.overUntrusted.Add(1)
		case s.perSource[from.addr.Addr()] >= s.maxConns:
			s.stats.overSource.Add(1)
		default:
			s.conns[c] = struct{}{}
			s.perSource[from.addr.Addr()]++
			if !trusted {
				s.untrusted++
			}
			s.wg.Add(1)
			s.mu.Unlock()
			go s.serveConn(c, from, trusted)
			continue
		}
		s.mu.Unlock()
		c.Close()
	}
}

// serveConn reads SIP messages from a stream. Framing follows Content-Length
// (RFC 3261 §18.3); a message that cannot be framed closes the connection,
// after a 400 when it can still be answered. A connection from outside the
// trusted networks gets 403 to its first request and is closed.
func (s *Server) serveConn(c net.Conn, from source, trusted bool) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		if s.perSource[from.addr.Addr()]--; s.perSource[from.addr.Addr()] <= 0 {
			delete(s.perSource, from.addr.Addr())
		}
		if !trusted {
			s.untrusted--
		}
		s.mu.Unlock()
		c.Close()
	}()
	idle := tcpIdleTimeout
	if !trusted {
		s.stats.untrustedTCP.Add(1)
		idle = untrustedWait
	}
	ps := s.parser.NewSIPStream()
	defer ps.Close()
	out := bufio.NewWriterSize(c, 4096)
	buf := make([]byte, 16<<10)
	for {
		c.SetReadDeadline(time.Now().Add(idle))
		n, err := c.Read(buf)
		if n > 0 {
			ps.Write(buf[:n])
			if !trusted {
				if s.forbid(ps, from, out) || ps.Buffer().Len() > maxTCPPending {
					c.SetWriteDeadline(time.Now().Add(tcpWriteTimout))
					out.Flush()
					return
				}
				continue // the request is not complete yet
			}
			if !s.drainStream(ps, from, out) || ps.Buffer().Len() > maxTCPPending {
				// Unframeable, or a message that never ends.
				out.Flush()
				return
			}
			c.SetWriteDeadline(time.Now().Add(tcpWriteTimout))
			if out.Flush() != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// drainStream handles every complete message buffered in ps, writing answers
// to out. It reports false when the connection must be closed, as it must
// after a panic in parsing or handling (recovered and counted).
func (s *Server) drainStream(ps *sipmsg.ParserStream, from source, out *bufio.Writer) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			s.stats.panics.Add(1)
			ok = false
		}
	}()
	for ps.Buffer().Len() > 0 {
		msg, _, err := ps.ParseNext()
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return true // wait for more bytes
		}
		if errors.Is(err, sipmsg.ErrParseReadBodyIncomplete) && msg != nil {
			// No Content-Length (RFC 3261 §18.3 requires one on streams):
			// the headers have ended, so take the message as bodiless and
			// go on from the next byte.
			ps.Discard(0)
			err = nil
		}
		if s.limits != nil && !s.limits.packet(from.addr.Addr()) {
			s.stats.dropped.Add(1)
			return err == nil
		}
		w := s.getWork()
		var ans []byte
		if err != nil {
			ans = s.malformed(w, msg, from)
		} else {
			ans, _ = s.handleMessage(w, msg, from)
		}
		if ans != nil {
			out.Write(ans)
		}
		s.putWork(w)
		if err != nil {
			return false
		}
	}
	return true
}

// forbid answers the first message buffered in ps with 403 Forbidden, when
// it is a request that can be answered (never an ACK): the answer to a
// source outside the trusted networks, which gets no verdict. It reports
// false while the message is still incomplete; once it reports true the
// connection is to be closed, answered or not.
func (s *Server) forbid(ps *sipmsg.ParserStream, from source, out *bufio.Writer) (done bool) {
	defer func() {
		if r := recover(); r != nil {
			s.stats.panics.Add(1)
			done = true
		}
	}()
	msg, _, err := ps.ParseNext()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return false // wait for more bytes
	}
	if errors.Is(err, sipmsg.ErrParseReadBodyIncomplete) && msg != nil {
		err = nil // no Content-Length: the headers are what is answered
	}
	req, ok := msg.(*sipmsg.Request)
	if err != nil || !ok || req == nil || !answerable(req) || req.Method == sipmsg.ACK {
		return true
	}
	w := s.getWork()
	w.start(req, from, 403, "Forbidden", s.tag(req))
	w.end()
	out.Write(w.out)
	s.putWork(w)
	return true
}

// handlePacket handles one datagram and returns the answer and where to
// send it, or nil. A panic in parsing or handling is recovered: the packet
// is dropped and counted.
func (s *Server) handlePacket(w *work, data []byte, from source) (out []byte, dst netip.AddrPort) {
	defer func() {
		if r := recover(); r != nil {
			s.stats.panics.Add(1)
			out = nil
		}
	}()
	if isKeepAlive(data) {
		return nil, netip.AddrPort{}
	}
	msg, err := s.parser.ParseSIP(data)
	if err != nil {
		return s.malformed(w, msg, from), w.dst
	}
	return s.handleMessage(w, msg, from)
}

// isKeepAlive reports whether data is a CRLF keep-alive (RFC 5626 §3.5.1).
func isKeepAlive(data []byte) bool {
	if len(data) > 4 {
		return false
	}
	for _, b := range data {
		if b != '\r' && b != '\n' {
			return false
		}
	}
	return true
}
