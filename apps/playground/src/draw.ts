/**
 * The drawing pad: white strokes on black (MNIST's polarity) from pointer events (mouse events
 * where PointerEvent is missing), and the downsampling to MNIST's 28 x 28 as LeCun's
 * preprocessing did it: the ink's bounding box scaled (aspect kept) to fit 20 x 20, placed in the
 * 28 x 28 frame so that its centre of mass is the frame's centre.
 */

export const SIDE = 28;
const BOX = 20;

export interface Pad {
  clear(): void;
  /** The drawing as 784 values in [0, 1], row-major, or null when nothing is drawn. */
  pixels(): Float64Array | null;
}

/** Makes `canvas` a drawing pad; `onChange` runs after every stroke segment and on clear. */
export function drawingPad(canvas: HTMLCanvasElement, onChange: () => void): Pad {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: { x: number; y: number } | null = null;
  const at = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * canvas.width) / r.width, y: ((e.clientY - r.top) * canvas.height) / r.height };
  };
  const segment = (to: { x: number; y: number }) => {
    const from = last ?? to;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = canvas.width / 14; // a pen about 2 MNIST pixels wide once scaled
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
    last = to;
    onChange();
  };
  const down = (e: MouseEvent) => {
    e.preventDefault();
    last = null;
    segment(at(e));
  };
  const move = (e: MouseEvent) => {
    if (last) segment(at(e));
  };
  const up = () => {
    last = null;
  };
  if (typeof PointerEvent === 'function') {
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      down(e);
    });
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
  } else {
    canvas.addEventListener('mousedown', down);
    canvas.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }
  canvas.style.touchAction = 'none';
  return {
    clear: () => {
      clear();
      onChange();
    },
    pixels: () => toMnist(ctx.getImageData(0, 0, canvas.width, canvas.height)),
  };
}

/** The bounding box of the pixels brighter than `threshold` (0..255, red channel), or null. */
function inkBox(img: ImageData, threshold = 16): { x: number; y: number; w: number; h: number } | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[(y * img.width + x) * 4] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Downsamples a drawing (white on black) to MNIST's framing; null when it is blank. */
export function toMnist(img: ImageData): Float64Array | null {
  const box = inkBox(img);
  if (!box) return null;
  const scale = BOX / Math.max(box.w, box.h);
  const w = Math.max(1, Math.round(box.w * scale));
  const h = Math.max(1, Math.round(box.h * scale));
  // 1. the ink's box into w x h (<= 20 x 20) with smoothing: an area average, as a downscale should be
  const src = new OffscreenCanvas(img.width, img.height);
  src.getContext('2d')!.putImageData(img, 0, 0);
  const small = new OffscreenCanvas(w, h);
  const sctx = small.getContext('2d', { willReadFrequently: true })!;
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  sctx.drawImage(src, box.x, box.y, box.w, box.h, 0, 0, w, h);
  const data = sctx.getImageData(0, 0, w, h).data;
  const boxed = new Float64Array(w * h);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = data[(y * w + x) * 4] / 255;
      boxed[y * w + x] = v;
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  // 2. into 28 x 28 with the centre of mass at the centre (14, 14), clipped to the frame
  const dx = Math.round(SIDE / 2 - (mass ? cx / mass : w / 2) - 0.5);
  const dy = Math.round(SIDE / 2 - (mass ? cy / mass : h / 2) - 0.5);
  const ox = Math.min(SIDE - w, Math.max(0, dx));
  const oy = Math.min(SIDE - h, Math.max(0, dy));
  const out = new Float64Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(y + oy) * SIDE + x + ox] = boxed[y * w + x];
  return out;
}

/** Paints 784 values in [0, 1] onto a 28 x 28 canvas (the model's view of the drawing). */
export function paintPixels(canvas: HTMLCanvasElement, pixels: Float64Array | null): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.round((pixels?.[i] ?? 0) * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}
