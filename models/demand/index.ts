/**
 * Demand forecasting: baselines, the global TF.js model, per-series choice by backtest, and the rolling-origin
 * backtest. What other modules (stockout risk, scoring, `tower forecast`) import.
 */
export type { DemandSeries, Forecast, Grain } from './series.ts';
export { defaultHorizon, inferGrain, seasonOf } from './series.ts';
export type { DemandModel, DemandModelMetadata, SeriesForecast, TrainDemandOptions, TrainProgress } from './train.ts';
export { forecastDemand, trainDemandModel } from './train.ts';
export { loadDemandModel, saveDemandModel } from './store.ts';
export type { MethodName } from './methods.ts';
export { METHODS } from './methods.ts';
export type { BacktestOptions, BacktestResult, MethodSummary, SeriesResult } from './backtest.ts';
export { backtestDemand } from './backtest.ts';
export { readHistoryCsv } from './history-csv.ts';
