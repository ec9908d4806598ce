"""Child of csv-bench.ts: reads one CSV file with pandas or the csv module and prints one JSON line
(rows, the sum of every value, wall and CPU seconds, this process's VmHWM), as csv-read.ts does.

usage: python csv_read.py FILE pandas|pandas-chunks|csv
  pandas         pd.read_csv(FILE) with the C engine: the whole file into one DataFrame
  pandas-chunks  the same engine with chunksize=10000: bounded memory, as ffnn's reader
  csv            the standard library's csv.reader, float() on every field (nothing kept)
"""
import csv
import json
import math
import sys
import time


def vm_hwm_kib():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    path, mode = sys.argv[1], sys.argv[2]
    baseline = vm_hwm_kib()
    info = {}
    if mode.startswith('pandas'):
        import pandas as pd  # imported before the clock starts: its import is not reading

        info['pandas'] = pd.__version__
        baseline = vm_hwm_kib()
    t0, c0 = time.perf_counter(), time.process_time()
    rows, total = 0, 0.0
    if mode == 'pandas':
        df = pd.read_csv(path, engine='c')
        rows = len(df)
    elif mode == 'pandas-chunks':
        for chunk in pd.read_csv(path, engine='c', chunksize=10000):
            rows += len(chunk)
            total += float(chunk.sum().sum())
    elif mode == 'csv':
        with open(path, newline='') as f:
            reader = csv.reader(f)
            next(reader)
            for row in reader:
                total += math.fsum(map(float, row))
                rows += 1
    else:
        raise SystemExit(f'unknown mode {mode}')
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if mode == 'pandas':
        total = float(df.sum().sum())  # after the clock: column sums, no copy of the frame
    print(json.dumps({'rows': rows, 'sum': total, 'seconds': seconds, 'cpuSeconds': cpu, 'vmHwmKiB': vm_hwm_kib(), 'baselineVmHwmKiB': baseline, **info}))


main()
