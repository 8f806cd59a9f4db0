docker build -q -t drill/{{app}} .
bash run.sh
