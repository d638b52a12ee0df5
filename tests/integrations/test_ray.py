import pytest

from weaknas.testing.extras import require

ray = require("ray")

from weaknas import CategoricalSpace, search  # noqa: E402
from weaknas.integrations.ray import RayExecutor  # noqa: E402
from weaknas.spaces import NB201Space  # noqa: E402
from weaknas.testing.objectives import nb201_mean_validation, troublesome  # noqa: E402


@pytest.fixture(scope="module")
def ray_executor():
    """A local Ray with 2 CPUs for this module (started once: it takes seconds)."""
    executor = RayExecutor(max_workers=2)
    yield executor
    executor.shutdown()


def test_failures_on_ray_including_a_killed_worker(ray_executor):
    """a=1 raises, a=2 returns NaN, a=3 hangs past the timeout, a=4 kills its Ray worker."""
    with_timeout = RayExecutor(max_workers=2, timeout=4)  # joins the running Ray
    space = CategoricalSpace({"a": [0, 1, 2, 3, 4, 5, 6], "b": list(range(3)), "c": ["x", "y"]})
    result = search(troublesome, space, budget=14, seed=3, executor=with_timeout, n_init=14)
    table = result.evaluations
    assert len(table) == 14 and table["index"].is_unique
    a = table["arch"].str.extract(r'"a": (\d)')[0].astype(int)
    errors = table.set_index(a)["error"].astype(str)
    assert (table.loc[a.isin([0, 5, 6]).to_numpy(), "status"] == "ok").all()
    assert (table.loc[a.isin([1, 2, 3, 4]).to_numpy(), "status"] == "failed").all()
    assert {1, 2, 3, 4} <= set(a), "the seed should try every kind of failure"
    assert errors.loc[[1]].str.contains("training diverged").all()
    assert errors.loc[[2]].str.contains("returned nan").all()
    assert errors.loc[[3]].str.contains("timed out after 4 s").all()
    assert errors.loc[[4]].str.contains("worker died").all()


def test_ray_and_in_process_searches_agree(ray_executor):
    space = NB201Space()
    on_ray = search(nb201_mean_validation, space, budget=40, seed=5, executor=ray_executor)
    inline = search(nb201_mean_validation, space, budget=40, seed=5)
    columns = ["index", "iteration", "value", "status"]
    assert on_ray.evaluations[columns].equals(inline.evaluations[columns])
    assert on_ray.best_arch == inline.best_arch


def test_training_on_ray_gives_the_in_process_values(ray_executor):
    """Real training (seeded, one thread) is reproduced exactly on Ray's workers."""
    require("torch")
    from weaknas.training.train_objective import TrainObjective

    objective = TrainObjective("digits", epochs=1, max_images=200)
    space = NB201Space()
    options = dict(budget=3, seed=2, n_init=2, batch_size=1)
    on_ray = search(objective, space, executor=ray_executor, **options)
    inline = search(objective, space, **options)
    columns = ["index", "value", "status"]
    assert on_ray.evaluations[columns].equals(inline.evaluations[columns])


RAY_WITH_TWO_GPUS = """
import json, ray, weaknas
from weaknas.testing.objectives import record_ray_gpu, toy_space
ray.init(num_cpus=4, num_gpus=2, include_dashboard=False, log_to_driver=False)
result = weaknas.search(
    record_ray_gpu, toy_space(), budget=12, executor="ray", workers=4, gpus_per_evaluation=1
)
print(json.dumps(result.evaluations[["ray_gpu_ids", "gpu"]].to_dict("records")))
"""


def test_ray_gives_each_evaluation_the_gpus_it_asks_for(tmp_path):
    """A local Ray cluster declaring 2 GPUs (none need be there): with one GPU per
    evaluation, every evaluation is assigned one GPU id by Ray, and CUDA would see it."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", RAY_WITH_TWO_GPUS],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(rows) == 12
    assert all(r["ray_gpu_ids"] in ("0", "1") and r["gpu"] == r["ray_gpu_ids"] for r in rows)
