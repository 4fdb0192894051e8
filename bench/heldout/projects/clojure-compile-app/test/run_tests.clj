(ns run-tests
  (:require [clojure.test :as t]
            [invoice.core-test]))

(defn -main []
  (let [{:keys [fail error]} (t/run-tests 'invoice.core-test)]
    (System/exit (if (zero? (+ fail error)) 0 1))))
