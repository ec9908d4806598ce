/** Test helper: a small 3-class problem written as an MNIST-layout IDX folder. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '@ffnn/core/node';

/**
 * Writes train-* (gzipped) and t10k-* (plain) files of side x side images whose class c in 0..2 is
 * told by bright pixels at the indices p with p % 3 == c, over a faint varying background.
 */
export function writeIdxFolder(dir: string, side: number, trainRows: number, testRows: number): void {
  const make = (n: number, salt: number) => {
    const px: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = (i * 7 + salt) % 3;
      labels.push(c);
      for (let p = 0; p < side * side; p++) px.push(p % 3 === c ? 200 + ((i + p + salt) % 50) : (i * 31 + p * 17 + salt) % 40);
    }
    return { images: encodeIdx([n, side, side], px), labels: encodeIdx([n], labels) };
  };
  const train = make(trainRows, 1);
  const test = make(testRows, 2);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(train.images));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(train.labels));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), test.images);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), test.labels);
}
