package io.ssmedge.oracle;

/** A double-precision complex number, for the plain oracles only (clarity over speed). */
record Cx(double re, double im) {
    static final Cx ZERO = new Cx(0, 0);
    static final Cx ONE = new Cx(1, 0);

    Cx plus(Cx o) {
        return new Cx(re + o.re, im + o.im);
    }

    Cx minus(Cx o) {
        return new Cx(re - o.re, im - o.im);
    }

    Cx times(Cx o) {
        return new Cx(re * o.re - im * o.im, re * o.im + im * o.re);
    }

    Cx times(double s) {
        return new Cx(re * s, im * s);
    }

    Cx div(Cx o) {
        double d = o.re * o.re + o.im * o.im;
        return new Cx((re * o.re + im * o.im) / d, (im * o.re - re * o.im) / d);
    }

    Cx exp() {
        double m = Math.exp(re);
        return new Cx(m * Math.cos(im), m * Math.sin(im));
    }

    Cx pow(int n) {
        Cx r = ONE;
        for (int i = 0; i < n; i++) {
            r = r.times(this);
        }
        return r;
    }
}
