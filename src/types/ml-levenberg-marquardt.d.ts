// The package ships types, but only under its ESM "exports" map, which this project's CommonJS
// module resolution does not read; this mirrors the part we call (lib/types.d.ts of version 5).
declare module 'ml-levenberg-marquardt' {
  export interface LevenbergMarquardtOptions {
    initialValues: ArrayLike<number>;
    weights?: number | ArrayLike<number>;
    damping?: number;
    gradientDifference?: number | ArrayLike<number>;
    centralDifference?: boolean;
    minValues?: ArrayLike<number>;
    maxValues?: ArrayLike<number>;
    maxIterations?: number;
    errorTolerance?: number;
    improvementThreshold?: number;
    timeout?: number;
    jacobianFunction?: (params: number[]) => (x: number) => number[];
  }
  export function levenbergMarquardt(
    data: { x: ArrayLike<number>; y: ArrayLike<number> },
    parameterizedFunction: (params: number[]) => (x: number) => number,
    options: LevenbergMarquardtOptions,
  ): { parameterValues: number[]; parameterError: number; iterations: number };
}
