// One recorded compute dispatch: a pipeline, its bind group and its workgroup counts. Every
// GPU object in it is made once, when an executor is built; recording it allocates nothing.

export interface Pass {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

/** Records one dispatch; with `args`, an indirect one reading the arguments of pass `index`. */
export function run(pass: GPUComputePassEncoder, p: Pass, args?: GPUBuffer, index = 0): void {
  pass.setPipeline(p.pipeline);
  pass.setBindGroup(0, p.bindGroup);
  if (args) pass.dispatchWorkgroupsIndirect(args, index * 12);
  else pass.dispatchWorkgroups(...p.groups);
}
