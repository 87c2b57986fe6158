/**
 * The config side of a @plasticity/tfjs layer, from its tensor-free `./schema` entry: the
 * post-synaptic non-linearity y = f(u) and the weight initialisations. Configs are parsed,
 * printed and described (`plasticity config`, `run --help`) with these without loading tfjs.
 */
export {
  activationSchema as activationConfigSchema,
  WEIGHT_INITS as WEIGHT_INIT_NAMES,
} from "@plasticity/tfjs/schema";
