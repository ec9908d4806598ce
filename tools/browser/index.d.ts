import type { SpawnSyncReturns } from 'node:child_process';
import type { Browser } from 'playwright-core';

export const CHROMIUM: string;
export const CHROMIUM_FLAGS: readonly string[];
export function requireChromium(): string;
export function launchChromium(options?: { args?: string[]; timeout?: number }): Promise<Browser>;
export function runChromium(args: string[], url: string, options?: { timeout?: number }): SpawnSyncReturns<string>;
export function dumpElementText(url: string, id: string, options?: { budgetMs?: number; timeout?: number }): string;
