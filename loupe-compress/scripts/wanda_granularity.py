"""Why Wanda loses to magnitude on the reference MLP: its comparison group, or its metric?

Loupe's magnitude prunes per layer, its Wanda per output row (as the Wanda paper for LLMs, and its image-classifier
code's `--prune_granularity row`, github locuslab/wanda image_classifiers/prune_utils.py compute_mask, which also has
`layer`). This prunes the MLP (fixtures/models/mlp.pt) at S with |W| and with Wanda's |W|·‖X_j‖ (one shot: norms of
each layer's input through the uncompressed model, as Loupe's), each per layer and per row, and evaluates on the
10,000 Fashion-MNIST test images, so the two factors are separated. Calibration: the same 5 sets of 2,048 training
images the models never saw as compare-second-order.sh (training images 10,000 + 2,048·k ...). Debian python3 (torch):
    /usr/bin/python3 loupe-compress/scripts/wanda_granularity.py [S ...]
"""
import gzip, statistics, sys
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, "fixtures")
import make_reference_models as M  # noqa: E402

FM = "/usr/share/datasets/fashion-mnist"


def idx(name, offset):
    return np.frombuffer(gzip.open(f"{FM}/{name}").read()[offset:], np.uint8)


test_x = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32))
test_y = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
train_x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32)
names = ["fc1", "fc2", "fc3"]


def inputs(m, x):
    """Each Linear's input (rows = examples) through the uncompressed MLP."""
    h = torch.flatten(x / 255.0, 1)
    out = {}
    for n in names:
        out[n] = h
        h = getattr(m, n)(h)
        if n != "fc3":
            h = F.relu(h)
    return out


def mask(score, s, scope):
    """True where pruned: the round(k·s) lowest scores per layer or per row (ties to the lower index, as Loupe's Pruners)."""
    flat = score if scope == "row" else score.reshape(1, -1)
    k = int(round(flat.shape[1] * s))
    order = torch.sort(flat, dim=1, stable=True)[1][:, :k]
    m = torch.zeros_like(flat, dtype=torch.bool)
    m.scatter_(1, order, True)
    return m.reshape(score.shape)


def evaluate(state):
    m = M.Mlp()
    m.load_state_dict(state)
    m.eval()
    with torch.no_grad():
        logits = m(test_x)
    return (logits.argmax(1) == test_y).float().mean().item(), F.cross_entropy(logits, test_y).item()


base = M.Mlp()
base.load_state_dict(torch.load("fixtures/models/mlp.pt"))
base.eval()
print("dense: accuracy %.4f, cross-entropy %.4f" % evaluate(base.state_dict()))
print("| sparsity | score | group | accuracy | cross-entropy |")
print("|---|---|---|---|---|")
for s in [float(a) for a in sys.argv[1:]] or [0.5, 0.6, 0.7]:
    for metric in ["magnitude", "wanda"]:
        for scope in ["layer", "row"]:
            runs = []
            for k in range(5 if metric == "wanda" else 1):
                cal = torch.from_numpy(train_x[10000 + 2048 * k:10000 + 2048 * (k + 1)])
                with torch.no_grad():
                    xs = inputs(base, cal)
                state = {n: t.clone() for n, t in base.state_dict().items()}
                for n in names:
                    w = state[n + ".weight"]
                    score = w.abs() * (xs[n].norm(dim=0).reshape(1, -1) if metric == "wanda" else 1)
                    w[mask(score, s, scope)] = 0
                runs.append(evaluate(state))
            acc, ce = zip(*runs)
            sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
            print("| %.1f | %s | %s | %.4f ± %.4f | %.4f ± %.4f |" % (s, metric, scope, statistics.mean(acc), sd(acc), statistics.mean(ce), sd(ce)))
