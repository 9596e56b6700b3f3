/** `capstan bench`: the render benchmark, whose code lives in bench/. */
export { main } from "../bench/bench";
