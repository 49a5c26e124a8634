package detect

import (
	"errors"
	"fmt"
	"math"
)

// fitLogistic fits an L2-regularised logistic regression by Newton's
// method (iteratively reweighted least squares): weights w minimising
//
//	-Σ_i c_i [y_i log p_i + (1-y_i) log(1-p_i)] + l2/2 Σ_{j≥1} w_j²,  p_i = σ(w·x_i)
//
// where c are sample weights (nil: all one). Column 0 of x must be the
// constant 1; it is not penalised. Inputs are standardised inside, so l2
// acts on weights per standard deviation of each input, and the result is
// converted back to the raw inputs. A column that never varies gets weight
// zero.
//
// sign constrains each weight but the constant's: +1 keeps it ≥ 0, -1 ≤ 0,
// 0 leaves it free, and off (below -1 or above 1) holds it at zero. A
// weight that leaves its side is held at zero and the rest refitted, until
// none does (an active-set method); nil constrains none.
func fitLogistic(x [][]float64, y, c []float64, l2 float64, sign []int8) ([]float64, int, error) {
	if len(x) == 0 {
		return nil, 0, errors.New("no samples")
	}
	fixed := make([]bool, len(x[0]))
	for j := range sign {
		fixed[j] = j > 0 && (sign[j] < -1 || sign[j] > 1)
	}
	total := 0
	for {
		w, iter, err := fitFixed(x, y, c, l2, fixed)
		total += iter
		if err != nil {
			return nil, total, err
		}
		moved := false
		for j := 1; j < len(sign) && j < len(w); j++ {
			if !fixed[j] && (sign[j] == 1 && w[j] < 0 || sign[j] == -1 && w[j] > 0) {
				fixed[j], moved = true, true
			}
		}
		if !moved {
			return w, total, nil
		}
	}
}

// fitFixed is fitLogistic without signs, the weights marked fixed held at
// zero.
func fitFixed(x [][]float64, y, c []float64, l2 float64, fixed []bool) ([]float64, int, error) {
	if len(x) == 0 {
		return nil, 0, errors.New("no samples")
	}
	k := len(x[0])
	n := float64(0)
	mean, sd := make([]float64, k), make([]float64, k)
	for i, xi := range x {
		ci := 1.0
		if c != nil {
			ci = c[i]
		}
		n += ci
		for j, v := range xi {
			mean[j] += ci * v
			sd[j] += ci * v * v
		}
	}
	for j := range mean {
		mean[j] /= n
		sd[j] = math.Sqrt(math.Max(sd[j]/n-mean[j]*mean[j], 0))
	}
	mean[0], sd[0] = 0, 1
	for j := range fixed {
		if fixed[j] {
			sd[j] = 0 // held at zero like a constant column
		}
	}
	z := func(xi []float64, j int) float64 {
		if sd[j] < 1e-9 {
			return 0
		}
		return (xi[j] - mean[j]) / sd[j]
	}
	w := make([]float64, k)
	h := make([][]float64, k)
	for j := range h {
		h[j] = make([]float64, k)
	}
	g := make([]float64, k)
	zi := make([]float64, k)
	iter := 0
	for ; iter < 100; iter++ {
		for j := range g {
			g[j] = 0
			for l := range h[j] {
				h[j][l] = 0
			}
		}
		for i, xi := range x {
			ci := 1.0
			if c != nil {
				ci = c[i]
			}
			var l float64
			for j := range zi {
				zi[j] = z(xi, j)
				l += w[j] * zi[j]
			}
			p := sigmoid(l)
			r := ci * (y[i] - p)
			v := ci * math.Max(p*(1-p), 1e-12)
			for j := range zi {
				if zi[j] == 0 {
					continue
				}
				g[j] += r * zi[j]
				for m := j; m < k; m++ {
					h[j][m] += v * zi[j] * zi[m]
				}
			}
		}
		for j := range k {
			for m := 0; m < j; m++ {
				h[j][m] = h[m][j]
			}
			if j > 0 {
				g[j] -= l2 * w[j]
				h[j][j] += l2
			}
			if sd[j] < 1e-9 {
				h[j][j] = 1 // a constant column stays at zero
			}
		}
		step, err := solveSPD(h, g)
		if err != nil {
			return nil, iter, err
		}
		var most float64
		for j := range w {
			w[j] += step[j]
			most = math.Max(most, math.Abs(step[j]))
		}
		if most < 1e-7 {
			break
		}
	}
	// Back to raw inputs: w·z = Σ w_j (x_j - m_j)/s_j.
	out := make([]float64, k)
	out[0] = w[0]
	for j := 1; j < k; j++ {
		if sd[j] < 1e-9 {
			continue
		}
		out[j] = w[j] / sd[j]
		out[0] -= w[j] * mean[j] / sd[j]
	}
	return out, iter + 1, nil
}

// solveSPD solves a x = b for a symmetric positive-definite a by Cholesky
// decomposition; a and b are left unchanged.
func solveSPD(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for k := 0; k < j; k++ {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				if s <= 0 {
					return nil, fmt.Errorf("matrix not positive definite at row %d", i)
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	y := make([]float64, n)
	for i := range n {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i][k] * y[k]
		}
		y[i] = s / l[i][i]
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= l[k][i] * x[k]
		}
		x[i] = s / l[i][i]
	}
	return x, nil
}

func sigmoid(l float64) float64 { return 1 / (1 + math.Exp(-l)) }
