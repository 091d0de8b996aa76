import { reduce, type Action, type EngineState } from "./state.ts";

export type Listener = (state: EngineState, action: Action) => void;

/** The store: `dispatch` is the only way state changes; listeners see every action and the state after it. */
export class Store {
  #state: EngineState;
  readonly #listeners = new Set<Listener>();

  constructor(initial: EngineState) {
    this.#state = initial;
  }

  get state(): EngineState {
    return this.#state;
  }

  dispatch(action: Action): void {
    this.#state = reduce(this.#state, action);
    for (const l of this.#listeners) l(this.#state, action);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
