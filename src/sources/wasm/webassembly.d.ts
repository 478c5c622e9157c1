// The slice of the WebAssembly JS API the emitted modules use. TypeScript declares it only in the DOM
// and webworker libs, which would bring browser globals into a Node program.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array)
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>)
    readonly exports: Record<string, unknown>
  }
  class Memory {
    readonly buffer: ArrayBuffer
  }
}
