# Remove constant Expand nodes that feed PRelu slopes (a tflite2onnx artefact) so that OpenCV 4.6 can load
# MediaPipe Face Mesh. usage: python3 fix_facemesh_prelu.py IN.onnx OUT.onnx   (needs Debian's python3-onnx)
# Copied unchanged (but for this line) from the offline model mirror's fix_facemesh_prelu.py (../shared/models, see its MODELS.md); run by scripts/fetch-assets.sh.
import onnx, sys, numpy as np
from onnx import numpy_helper
src, dst = sys.argv[1], sys.argv[2]
m = onnx.load(src); g = m.graph
inits = {i.name: i for i in g.initializer}
rename = {}; keep = []
for n in g.node:
    if n.op_type == 'Expand' and n.input[0] in inits:
        a = numpy_helper.to_array(inits[n.input[0]])
        newname = n.input[0] + '_flat'
        if newname not in inits:
            t = numpy_helper.from_array(a.reshape(-1, 1, 1).astype(np.float32), newname)
            g.initializer.append(t); inits[newname] = t
        rename[n.output[0]] = newname
        continue
    keep.append(n)
for n in keep:
    for i, x in enumerate(n.input):
        if x in rename: n.input[i] = rename[x]
del g.node[:]; g.node.extend(keep)
used = {x for n in g.node for x in n.input}
for i in list(g.initializer):
    if i.name not in used: g.initializer.remove(i)
for i in list(g.input):
    if i.name not in used and i.name not in [o.name for o in g.output] and i.name != 'input_1':
        g.input.remove(i)
onnx.checker.check_model(m); onnx.save(m, dst); print("saved", dst)
