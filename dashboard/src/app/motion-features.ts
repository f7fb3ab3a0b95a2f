/** Motion's animation features, loaded after first paint (LazyMotion keeps them out of the entry chunk). */
export { domMax as default } from 'motion/react';
