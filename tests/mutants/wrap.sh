#!/bin/sh
# Runs a port as `conform check` would see a real one: a configuration banner and a <s>
# marker before its output, standard error merged, and a timing trailer after it (with no
# newline before it when the port's output does not end in one).
printf 'llama2 port 0.1 (mutant)\nconfig: dim=%s n_layers=%s vocab_size=%s\nloading model... done\n<s>\n' 64 5 512
"$@" 2>&1
status=$?
printf 'Tokens per second: 1234.5\nelapsed: 0.2 s\n'
exit $status
