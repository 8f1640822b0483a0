"""The reference workload as a Brian2 model, shared by the runtime and standalone peers.

Brian2 integrates dv/dt = f(v, t) + g(v, t) xi with method='euler' as
v_{k+1} = v_k + dt f(v_k, t_k) + g(v_k, t_k) sqrt(dt) z_k, z_k ~ N(0, 1),
where xi has units 1/sqrt(second). srlif's step is
v_{k+1} = v_k + (dt/tau_m)(E_L - v_k + (I_bias + A sin(2 pi f t_k) + sigma z_k/sqrt(dt))/g_L),
whose noise part is sigma sqrt(dt)/(tau_m g_L) z_k. Hence g = sigma/(tau_m g_L) with sigma in
pA sqrt(ms) (units: volt/sqrt(second)), and the two schemes are the same update.
"""

import brian2 as b2
from brian2 import mV, ms, pA, nS, Hz, second

import common as c

EQS = """
dv/dt = (E_L - v + (I_bias + A*sin(2*pi*f*t))/g_L)/tau_m + sigma/(tau_m*g_L)*xi : volt (unless refractory)
"""


def namespace():
    return {
        "E_L": c.E_L * mV,
        "V_th": c.V_TH * mV,
        "V_reset": c.V_RESET * mV,
        "tau_m": c.TAU_M * ms,
        "g_L": c.G_L * nS,
        "I_bias": c.I_BIAS * pA,
        "A": c.AMP * pA,
        "f": c.FREQ * Hz,
        "sigma": c.SIGMA * pA * ms ** 0.5,
    }


def build(neurons, seed):
    """A NeuronGroup of the reference neuron and a spike counter; returns (network, group, monitor)."""
    b2.defaultclock.dt = c.DT * ms
    b2.seed(seed)
    ns = namespace()
    group = b2.NeuronGroup(
        neurons, EQS, threshold="v >= V_th", reset="v = V_reset",
        refractory=c.T_REF * ms, method="euler", namespace=ns, name="lif",
    )
    group.v = c.V_INIT * mV
    mon = b2.SpikeMonitor(group, record=False, name="spikes")  # counts only
    net = b2.Network(group, mon)
    return net, group, mon
