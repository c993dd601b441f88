// What @tensorflow/tfjs-node-gpu 4.22.0 needs to reach the GPU, and one line saying what is missing.
// It wraps libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1 (tensorflow/tfjs#8362: the
// maintainers' answer is "CUDA Toolkit 11.2, cuDNN SDK 8.1.0"; #8505, #8187: CUDA 12 machines fail on
// libcudart.so.11.0). libtensorflow opens these with dlopen when it first looks for a GPU; a missing
// one is only a warning ("Could not load dynamic library 'libcudart.so.11.0'", tensorflow/tfjs#8269,
// tensorflow/tensorflow#74459) and TensorFlow then runs on its CPU kernels. The list is TensorFlow's
// own check, stream_executor/platform/default/dlopen_checker.cc TryDlopenCUDALibraries (cudart,
// cublas, cublasLt, cufft, curand, cusolver, cusparse, cudnn), with the sonames CUDA 11.2 gives them.
import { findSharedLibrary } from './sharedLibraries';

/** The NVIDIA driver's library: without it no CUDA version helps. */
export const CUDA_DRIVER_LIBRARY = 'libcuda.so.1';

/** The CUDA 11.2 / cuDNN 8.1 libraries libtensorflow 2.9.1 opens, each with the pip wheel that ships it. */
export const CUDA_11_LIBRARIES: Readonly<Record<string, string>> = {
  'libcudart.so.11.0': 'nvidia-cuda-runtime-cu11',
  'libcublas.so.11': 'nvidia-cublas-cu11',
  'libcublasLt.so.11': 'nvidia-cublas-cu11',
  'libcufft.so.10': 'nvidia-cufft-cu11',
  'libcurand.so.10': 'nvidia-curand-cu11',
  'libcusolver.so.11': 'nvidia-cusolver-cu11',
  'libcusparse.so.11': 'nvidia-cusparse-cu11',
  // nvidia-cudnn-cu11's newest releases are cuDNN 9 (libcudnn.so.9): the 8 series must be asked for.
  'libcudnn.so.8': 'nvidia-cudnn-cu11==8.*',
};

type Finder = (soname: string) => string | undefined;

/** The driver and CUDA 11 libraries the loader would not find, in TensorFlow's order (none off Linux). */
export function missingCudaLibraries(find: Finder = (s) => findSharedLibrary(s)): string[] {
  return [CUDA_DRIVER_LIBRARY, ...Object.keys(CUDA_11_LIBRARIES)].filter((lib) => find(lib) === undefined);
}

/** The CUDA/cuDNN library a load error names ("libcudart.so.11.0: cannot open shared object file"). */
export function libraryInError(loadError: string | undefined): string | undefined {
  return /\blib(?:cu\w+|cudnn)\.so(?:\.\d+)*/.exec(loadError ?? '')?.[0];
}

/** The pip wheels that would supply `missing`, each once, in order. */
function wheelsFor(missing: readonly string[]): string[] {
  return [...new Set(missing.map((lib) => CUDA_11_LIBRARIES[lib]).filter((w): w is string => !!w))];
}

/**
 * One line for the log: which libraries tfjs-node-gpu cannot find, what would supply them, and
 * that WebGPU needs none. `missing` defaults to a fresh look on this machine; `lead` opens the line.
 */
export function cudaDiagnosis(
  loadError?: string,
  missing: readonly string[] = missingCudaLibraries(),
  lead = '@tensorflow/tfjs-node-gpu cannot use the GPU',
): string {
  const named = libraryInError(loadError);
  const libs = [...new Set([...(named ? [named] : []), ...missing])];
  const cuda = libs.filter((l) => l !== CUDA_DRIVER_LIBRARY);
  const parts: string[] = [];
  if (libs.includes(CUDA_DRIVER_LIBRARY)) parts.push(`no NVIDIA driver (${CUDA_DRIVER_LIBRARY} not found)`);
  if (cuda.length > 0) {
    const wheels = wheelsFor(cuda);
    const pip = wheels.length ? `pip install ${wheels.map((w) => (w.includes('*') ? `'${w}'` : w)).join(' ')} with each nvidia/*/lib folder on LD_LIBRARY_PATH, or ` : '';
    parts.push(
      `missing ${cuda.join(', ')}: libtensorflow 2.9.1 needs the CUDA 11.2 runtime and cuDNN 8.1 beside any newer CUDA ` +
        `(e.g. ${pip}NVIDIA's cuda-libraries-11-2 and libcudnn8 packages)`,
    );
  }
  // Nothing seen missing (or not Linux, where this cannot look): say what it needs, claim nothing.
  if (parts.length === 0) parts.push('TensorFlow found no usable GPU (it needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1; nvidia-smi shows the driver)');
  return `${lead}: ${parts.join('; ')}; WebGPU needs none of these: --backend webgpu, or the setting sparseAttention.backend = webgpu`;
}
