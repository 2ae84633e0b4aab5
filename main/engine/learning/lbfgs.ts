/**
 * L-BFGS (Nocedal & Wright, Numerical Optimization, alg. 7.4/7.5) with a backtracking Armijo line
 * search, written as a generator: it yields the point it wants evaluated and receives the value
 * and gradient. The caller can so run many independent minimisations in lockstep and evaluate
 * all their points in one batched call (see train-head.ts).
 */

export interface Evaluation {
  value: number;
  gradient: Float64Array;
}

export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when the largest gradient component is below this. */
  gradientTolerance: number;
  /** Stop when an iteration lowers the value by less than this fraction. */
  relativeTolerance: number;
  history?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Two-loop recursion: the quasi-Newton direction -H g. */
function direction(g: Float64Array, s: Float64Array[], y: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(g);
  const alpha = new Array<number>(s.length);
  for (let i = s.length - 1; i >= 0; i--) {
    alpha[i] = rho[i]! * dot(s[i]!, q);
    const yi = y[i]!;
    for (let j = 0; j < q.length; j++) q[j] = q[j]! - alpha[i]! * yi[j]!;
  }
  if (s.length > 0) {
    const last = s.length - 1;
    const gamma = dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!);
    for (let j = 0; j < q.length; j++) q[j] = q[j]! * gamma;
  }
  for (let i = 0; i < s.length; i++) {
    const beta = rho[i]! * dot(y[i]!, q);
    const si = s[i]!;
    for (let j = 0; j < q.length; j++) q[j] = q[j]! + (alpha[i]! - beta) * si[j]!;
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j]!;
  return q;
}

export function* minimise(
  start: Float64Array,
  options: LbfgsOptions,
): Generator<Float64Array, LbfgsResult, Evaluation> {
  const history = options.history ?? 10;
  let x: Float64Array = Float64Array.from(start);
  let current: Evaluation = yield x;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    if (maxAbs(current.gradient) < options.gradientTolerance)
      return { x, value: current.value, iterations: iteration, converged: true };
    let d = direction(current.gradient, s, y, rho);
    let slope = dot(d, current.gradient);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      d = current.gradient.map((v) => -v);
      slope = dot(d, current.gradient);
    }
    let step = s.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let next: Float64Array | null = null;
    let evaluated: Evaluation | null = null;
    // Few halvings: a step that fails eight of them is below the float32 noise of the objective.
    for (let tries = 0; tries < 8; tries++) {
      const candidate = new Float64Array(x.length);
      for (let j = 0; j < x.length; j++) candidate[j] = x[j]! + step * d[j]!;
      const result: Evaluation = yield candidate;
      if (result.value <= current.value + 1e-4 * step * slope) {
        next = candidate;
        evaluated = result;
        break;
      }
      step *= 0.5;
    }
    if (!next || !evaluated) return { x, value: current.value, iterations: iteration, converged: false };
    const sk = new Float64Array(x.length);
    const yk = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      sk[j] = next[j]! - x[j]!;
      yk[j] = evaluated.gradient[j]! - current.gradient[j]!;
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > history) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    const decrease = current.value - evaluated.value;
    x = next;
    current = evaluated;
    if (decrease <= options.relativeTolerance * Math.max(Math.abs(current.value), 1e-12)) {
      return { x, value: current.value, iterations: iteration + 1, converged: true };
    }
  }
  return { x, value: current.value, iterations: options.maxIterations, converged: false };
}
