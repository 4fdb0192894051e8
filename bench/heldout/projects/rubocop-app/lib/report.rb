class Report
  def initialize(rows)
    @rows = rows
  end

  def render()
    out = ""
    @rows.each do |row|
      out += row[:name] + ": " + row[:value].to_s + "\n"
    end
    unused = 3
    return out
  end

  def empty?
    @rows.length == 0 ? true : false
  end
end
