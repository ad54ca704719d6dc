"""The classic experiment behind taskpipe: Python threads vs processes on waiting and on computing.

Three waits of 2 s, and fifteen sums of range(10,000,000), each run serially, on a ThreadPoolExecutor
and on a ProcessPoolExecutor (standard library only). Waiting overlaps on threads; computing does
not, because of the GIL, but does on processes. Prints one JSON object of wall-clock seconds.
Pools: as many workers as waits for the waits, as many as CPUs for the sums, threads and processes
alike, started before the clock starts. --smoke shrinks the jobs to a fraction of a second.
"""
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def wait(seconds):
    time.sleep(seconds)


def compute(n):
    return sum(range(n))


def noop(_):
    return None


def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def serial(work, args):
    return timed(lambda: [work(a) for a in args])


def pooled(pool_type, workers, work, args):
    with pool_type(max_workers=workers) as pool:
        list(pool.map(noop, range(workers * 4)))  # start the workers before the clock does
        return timed(lambda: list(pool.map(work, args)))


def main():
    smoke = "--smoke" in sys.argv
    waits, wait_seconds = 3, 0.2 if smoke else 2.0
    sums, sum_n = 15, 100_000 if smoke else 10_000_000
    cpus = os.cpu_count() or 1
    wait_args, sum_args = [wait_seconds] * waits, [sum_n] * sums
    result = {
        "python": sys.version.split()[0],
        "cpus": cpus,
        "wait": {"jobs": waits, "seconds_each": wait_seconds,
                 "serial": serial(wait, wait_args),
                 "threads": pooled(ThreadPoolExecutor, waits, wait, wait_args),
                 "processes": pooled(ProcessPoolExecutor, waits, wait, wait_args)},
        "compute": {"jobs": sums, "n": sum_n,
                    "serial": serial(compute, sum_args),
                    "threads": pooled(ThreadPoolExecutor, cpus, compute, sum_args),
                    "processes": pooled(ProcessPoolExecutor, cpus, compute, sum_args)},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
