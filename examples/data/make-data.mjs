// Writes the two small CSV files the examples read (committed; rerun to regenerate the same bytes):
//   blobs.csv   300 rows: four features, a label column "species" (three classes, as strings)
//   houses.csv  240 rows: rooms, area, age, distance and a decimal "price" (a noisy smooth function)
// Seeded with ffnn's RandomState (numpy's MT19937), so the files do not change between runs.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState } from '@ffnn/core';

const here = dirname(fileURLToPath(import.meta.url));
const rng = new RandomState(42);
const f = (v) => v.toFixed(4);
const normal = (mean, std) => rng.normal(mean, std, 1)[0];
const uniform = (low, high) => rng.uniform(low, high, 1)[0];

const centres = { red: [0, 0], green: [3, 1], blue: [1, 3] };
const blobs = ['x1,x2,x3,x4,species'];
for (let i = 0; i < 300; i++) {
  const species = Object.keys(centres)[i % 3];
  const [cx, cy] = centres[species];
  blobs.push([cx + normal(0, 0.8), cy + normal(0, 0.8), normal(0, 1), uniform(-1, 1)].map(f).concat(species).join(','));
}
writeFileSync(join(here, 'blobs.csv'), `${blobs.join('\n')}\n`);

const houses = ['rooms,area,age,distance,price'];
for (let i = 0; i < 240; i++) {
  const rooms = 1 + Math.floor(uniform(0, 5));
  const area = 30 + 25 * rooms + uniform(-10, 30);
  const age = uniform(0, 60);
  const distance = uniform(0.5, 20);
  const price = 40 + 1.8 * area + 12 * rooms - 0.6 * age - 25 * Math.log(distance) + normal(0, 6);
  houses.push([rooms, f(area), f(age), f(distance), price.toFixed(2)].join(','));
}
writeFileSync(join(here, 'houses.csv'), `${houses.join('\n')}\n`);
console.log('wrote blobs.csv and houses.csv');
